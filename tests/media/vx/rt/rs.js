var fromscript = 'rs.js';
