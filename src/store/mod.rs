//! The review store: SQLite schema, migrations, review log and sync of edited notes.
