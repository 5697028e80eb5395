//! Production rooms: never two different drugs in one room at the same time (rule 8), cleaning time included.
use crate::common::Clinic;
use btlp_commission::error::{Check, Rule};
use btlp_commission::production::{self, NewBooking};
use btlp_commission::Error;
use uuid::Uuid;

const CAR_T: &str = "CAR-T (анти-CD19), индивидуальный";
const OTHER: &str = "CAR-T (анти-BCMA), индивидуальный";

fn booking(room: Uuid, product: &str, from: &str, to: &str) -> NewBooking {
    NewBooking {
        room_id: room,
        product_name: product.into(),
        starts_at: from.into(),
        ends_at: to.into(),
        purpose: "Трансдукция и экспансия".into(),
    }
}

fn room(c: &mut Clinic, cleaning: u32) -> Uuid {
    let admin = c.as_("admin");
    production::add_room(&mut c.db, &admin, "Чистое помещение № 1 (класс B)", cleaning).unwrap()
}

#[test]
fn another_drug_overlapping_in_the_same_room_is_refused_and_named() {
    let mut c = Clinic::new();
    let r = room(&mut c, 0);
    let prod = c.as_("prod");
    production::book(&mut c.db, &prod, &booking(r, CAR_T, "01.06.2026 09:00", "01.06.2026 13:00")).unwrap();
    let clash = production::book(&mut c.db, &prod, &booking(r, OTHER, "01.06.2026 12:00", "01.06.2026 15:00"));
    match clash {
        Err(Error::Refused(Rule::RoomBusy { product, from, to, .. })) => {
            assert_eq!(product, CAR_T, "the refusal names the drug already booked");
            assert_eq!((from.as_str(), to.as_str()), ("01.06.2026 09:00", "01.06.2026 13:00"), "and its times");
        }
        other => panic!("two different drugs in one room at once must be refused, got {other:?}"),
    }
    assert_eq!(production::bookings(c.db.conn(), r).unwrap().len(), 1, "the refused booking is not stored");
    production::book(&mut c.db, &prod, &booking(r, CAR_T, "01.06.2026 12:00", "01.06.2026 15:00"))
        .expect("the same drug may share the room");
    production::book(&mut c.db, &prod, &booking(r, OTHER, "01.06.2026 15:00", "01.06.2026 18:00"))
        .expect("another drug may follow once the room is free (no cleaning time set)");
}

#[test]
fn cleaning_time_after_a_use_keeps_another_drug_out() {
    let mut c = Clinic::new();
    let r = room(&mut c, 60);
    let prod = c.as_("prod");
    production::book(&mut c.db, &prod, &booking(r, CAR_T, "01.06.2026 09:00", "01.06.2026 13:00")).unwrap();
    let during_cleaning =
        production::book(&mut c.db, &prod, &booking(r, OTHER, "01.06.2026 13:30", "01.06.2026 16:00"));
    assert!(
        matches!(during_cleaning, Err(Error::Refused(Rule::RoomBusy { cleaning: 60, .. }))),
        "the hour of cleaning after 13:00 still belongs to the first drug"
    );
    let before = production::book(&mut c.db, &prod, &booking(r, OTHER, "01.06.2026 07:00", "01.06.2026 08:30"));
    assert!(
        matches!(before, Err(Error::Refused(Rule::RoomBusy { .. }))),
        "a use ending 08:30 needs its hour of cleaning before the 09:00 drug"
    );
    production::book(&mut c.db, &prod, &booking(r, OTHER, "01.06.2026 14:00", "01.06.2026 16:00"))
        .expect("after the cleaning hour another drug may enter");
}

#[test]
fn bookings_need_production_staff_and_a_proper_interval() {
    let mut c = Clinic::new();
    let r = room(&mut c, 0);
    let doc = c.as_("doc");
    let r1 = production::book(&mut c.db, &doc, &booking(r, CAR_T, "01.06.2026 09:00", "01.06.2026 13:00"));
    assert!(matches!(r1, Err(Error::Forbidden { .. })), "a physician does not book production rooms");
    let prod = c.as_("prod");
    let r2 = production::book(&mut c.db, &prod, &booking(r, CAR_T, "01.06.2026 13:00", "01.06.2026 09:00"));
    assert!(matches!(r2, Err(Error::Invalid { field: "ends_at", check: Check::EndBeforeStart })));
    let r3 = production::book(&mut c.db, &prod, &booking(r, CAR_T, "вчера", "01.06.2026 09:00"));
    assert!(matches!(r3, Err(Error::Invalid { field: "starts_at", check: Check::NotADate })));
    let admin = c.as_("admin");
    let again = production::add_room(&mut c.db, &admin, "Чистое помещение № 1 (класс B)", 0);
    assert!(matches!(again, Err(Error::Invalid { field: "room_name", check: Check::Taken })), "room names are unique");
}
