//! `tokenrace schema`: the JSON Schema of the scenario format on stdout,
//! for editors and CI linting of scenario files.

use super::output::print;
use super::Code;
use crate::scenario::schema::json_schema;

/// Prints the schema; it cannot fail.
pub fn execute() -> Code {
    print(&(json_schema() + "\n"));
    Code::Clean
}
