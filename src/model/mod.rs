//! Protocol model (TODO)
