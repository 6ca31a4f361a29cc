//! One client per registry protocol behind one interface.
