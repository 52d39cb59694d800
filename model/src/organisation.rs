//! An organisation as the relay's organisation table lists it (`GET /api/organisations`): its
//! id, the name it was created with and its kind. The table is the source of which
//! organisations exist and who belongs to them; what an organisation says about itself (and
//! the name it goes by now) is its document ([`crate::kinds::organisation`]).

use serde::{Deserialize, Serialize};

use crate::ids::OrganisationId;

/// One organisation: an association (forening) or a municipal centre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: OrganisationId,
    pub name: String,
    /// "forening" (association) or "center" (municipal centre).
    pub kind: String,
}

/// The name of `id` in `list`, or the id itself when the list does not know it (an
/// organisation created after the device last fetched the list).
pub fn name_of<'a>(list: &'a [Organisation], id: &'a OrganisationId) -> &'a str {
    list.iter()
        .find(|o| &o.id == id)
        .map_or(id.as_str(), |o| o.name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_list_and_fall_back_to_the_id() {
        let list: Vec<Organisation> = serde_json::from_str(
            r#"[{"id":"haslev-fodbold","name":"Haslev Fodboldklub","kind":"forening"}]"#,
        )
        .unwrap();
        assert_eq!(
            name_of(&list, &"haslev-fodbold".parse().unwrap()),
            "Haslev Fodboldklub"
        );
        assert_eq!(name_of(&list, &"ny-klub".parse().unwrap()), "ny-klub");
    }
}
