//! Making the product (DOMAIN.md §3, issue 6): production rooms and their bookings so far.
mod rooms;

pub use rooms::{add_room, book, bookings, rooms, Booking, NewBooking, Room};
