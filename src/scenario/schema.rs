//! The JSON Schema of the scenario format, for editors and `tokenrace schema`.

/// The schema as pretty-printed JSON.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(super::Scenario);
    serde_json::to_string_pretty(&schema).expect("schema serialises")
}
