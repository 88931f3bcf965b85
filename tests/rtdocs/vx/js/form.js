// tests/rtdocs/vx/script.vxml: the form's script; its variable is the dialog's
var formTag = 'form' + docTag.length;
