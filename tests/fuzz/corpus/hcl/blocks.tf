# comment
// comment
/* block
   comment */
a "b" c {
  d = provider::aws::f(1.5e-3, -x, !y, (z ? 1 : 2)...)
  e { f = [1, 2, ] }
  dynamic "g" {
    for_each = { a: 1, "b" = 2
      (c) = 3 }
    content {}
  }
}
x = a.0.b[*].c % 2 >= 1 && b || c == d
