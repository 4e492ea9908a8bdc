//! Front end: lexer, parser and bytecode compiler for Lua 5.1.
