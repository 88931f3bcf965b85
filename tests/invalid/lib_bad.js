// helpers used by syntax_external_script.ccxml
function greet(name) {
  if (name == "" {
    return "hello";
  }
  return "hello, " + name;
}
