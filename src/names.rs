//! Russian personal names in the grammatical case a sentence needs, and their short form: «Орлов Виктор
//! Андреевич» → «Орлову Виктору Андреевичу» (dative), «Орлов В. А.». Declension follows the Petrovich rules
//! (the `petrovich` crate: surnames, first names and patronymics, indeclinable surnames such as «Черных» or
//! a woman's «Шевчук» kept as they are). The sex comes from the record where it is known (a patient), else from
//! the patronymic, the first name or the surname (Petrovich's detection); failing that, the rules for either.
use petrovich::{Case as P, Gender};

/// The cases a document's sentences use (the nominative is the name as stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    Genitive,
    Dative,
    Accusative,
    Instrumental,
    Prepositional,
}

/// Whose name it is, where the record says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
    Unknown,
}

impl Sex {
    /// A patient's sex as stored (`male` / `female`).
    pub fn of_code(code: &str) -> Sex {
        match code {
            "male" => Sex::Male,
            "female" => Sex::Female,
            _ => Sex::Unknown,
        }
    }
}

fn gender(sex: Sex, (last, first, middle): (Option<&str>, Option<&str>, Option<&str>)) -> Gender {
    match sex {
        Sex::Male => Gender::Male,
        Sex::Female => Gender::Female,
        Sex::Unknown => petrovich::detect_gender(last, first, middle),
    }
}

fn case(c: Case) -> P {
    match c {
        Case::Genitive => P::Genitive,
        Case::Dative => P::Dative,
        Case::Accusative => P::Accusative,
        Case::Instrumental => P::Instrumental,
        Case::Prepositional => P::Prepositional,
    }
}

/// The parts of «Фамилия Имя Отчество» (the patronymic may be missing; a double surname stays one part).
fn parts(full_name: &str) -> (Option<&str>, Option<&str>, Option<&str>) {
    let mut it = full_name.split_whitespace();
    (it.next(), it.next(), it.next())
}

/// `full_name` («Фамилия Имя Отчество») in `c`.
pub fn decline(full_name: &str, sex: Sex, c: Case) -> String {
    let (last, first, middle) = parts(full_name);
    let g = gender(sex, (last, first, middle));
    let mut out = Vec::new();
    if let Some(l) = last {
        out.push(petrovich::lastname(g, l, case(c)));
    }
    if let Some(f) = first {
        out.push(petrovich::firstname(g, f, case(c)));
    }
    if let Some(m) = middle {
        out.push(petrovich::middlename(g, m, case(c)));
    }
    out.join(" ")
}

/// «Фамилия И. О.» with non-breaking spaces, so a line never ends between the surname and the initials.
pub fn short(full_name: &str) -> String {
    short_in(full_name, Sex::Unknown, None)
}

/// The short form with the surname in `c` («Орлову В. А.»); `None`: as stored.
pub fn short_in(full_name: &str, sex: Sex, c: Option<Case>) -> String {
    let (last, first, middle) = parts(full_name);
    let Some(last) = last else { return String::new() };
    let last = match c {
        Some(c) => petrovich::lastname(gender(sex, (Some(last), first, middle)), last, case(c)),
        None => last.to_string(),
    };
    let initial = |s: Option<&str>| s.and_then(|s| s.chars().next()).map(|ch| format!("\u{a0}{ch}."));
    format!("{last}{}{}", initial(first).unwrap_or_default(), initial(middle).unwrap_or_default())
}

/// Initials alone («З.\u{a0}Р.\u{a0}Е.»), as an agenda names a patient to those who need not know more.
pub fn initials(full_name: &str) -> String {
    full_name
        .split_whitespace()
        .filter_map(|p| p.chars().next())
        .map(|c| format!("{c}."))
        .collect::<Vec<_>>()
        .join("\u{a0}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn male_names_decline_by_case() {
        let name = "Зайцев Роман Евгеньевич";
        assert_eq!(decline(name, Sex::Male, Case::Dative), "Зайцеву Роману Евгеньевичу", "пациенту кому?");
        assert_eq!(decline(name, Sex::Male, Case::Genitive), "Зайцева Романа Евгеньевича");
        assert_eq!(
            decline(name, Sex::Unknown, Case::Accusative),
            "Зайцева Романа Евгеньевича",
            "sex from the patronymic"
        );
        assert_eq!(decline(name, Sex::Male, Case::Instrumental), "Зайцевым Романом Евгеньевичем");
    }

    #[test]
    fn female_names_decline_by_case() {
        let name = "Смирнова Анна Викторовна";
        assert_eq!(decline(name, Sex::Female, Case::Dative), "Смирновой Анне Викторовне");
        assert_eq!(decline(name, Sex::Unknown, Case::Genitive), "Смирновой Анны Викторовны", "sex from the patronymic");
        assert_eq!(decline("Белова Ирина Сергеевна", Sex::Unknown, Case::Accusative), "Белову Ирину Сергеевну");
    }

    #[test]
    fn indeclinable_surnames_stay_as_they_are() {
        assert_eq!(
            decline("Черных Олег Петрович", Sex::Male, Case::Dative),
            "Черных Олегу Петровичу",
            "-ых never declines"
        );
        assert_eq!(
            decline("Шевчук Мария Ивановна", Sex::Female, Case::Dative),
            "Шевчук Марии Ивановне",
            "a woman's -ук does not"
        );
        assert_eq!(decline("Шевчук Иван Ильич", Sex::Male, Case::Dative), "Шевчуку Ивану Ильичу", "a man's does");
        assert_eq!(
            decline("Дюма Александр", Sex::Male, Case::Genitive),
            "Дюма Александра",
            "no patronymic: sex from the record"
        );
    }

    #[test]
    fn short_names_keep_initials_with_their_surname() {
        assert_eq!(short("Орлов Виктор Андреевич"), "Орлов\u{a0}В.\u{a0}А.");
        assert_eq!(
            short_in("Морозов Дмитрий Алексеевич", Sex::Unknown, Some(Case::Accusative)),
            "Морозова\u{a0}Д.\u{a0}А."
        );
        assert_eq!(short("Дюма Александр"), "Дюма\u{a0}А.", "no patronymic, one initial");
        assert_eq!(initials("Зайцев Роман Евгеньевич"), "З.\u{a0}Р.\u{a0}Е.", "an agenda's patient: initials alone");
    }
}
