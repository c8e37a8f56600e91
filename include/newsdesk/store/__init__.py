"""The staging database: schema, migrations, and the reads and writes the stages need."""
