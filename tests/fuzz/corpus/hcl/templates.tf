locals {
  s = "a\tb\"c\\d\u00e9\U0001F600 $${x} %%{y} ${~ var.x ~} %{ if a }y%{ else }n%{ endif }"
  h = <<-EOT
    %{ for k, v in m ~}
    ${k} = ${v}
    %{ endfor ~}
  EOT
  f = { for k, v in m : k => v... if v != null }
  t = [for x in xs : x.*.id[0] if x[*].ok]
}
