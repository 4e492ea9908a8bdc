//! The host interface: executable memory (W^X, I-cache maintenance) that hosts implement.
