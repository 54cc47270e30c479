//! Renderers (TODO)
