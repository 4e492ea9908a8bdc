//! Heap object kinds: strings (interned), tables, functions, upvalues, userdata, threads.
