//! Number conversions as Lua 5.1 does them: parsing numerals and strings, printing with %.14g.
