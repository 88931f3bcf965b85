var fromLib = 1;
