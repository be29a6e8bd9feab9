a {
  b {
    c = 1
  }
  b {
    c = 2
  }
}
