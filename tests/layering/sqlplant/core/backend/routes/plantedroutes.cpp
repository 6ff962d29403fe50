// Planted for the test layering_sql_planted (tests/CMakeLists.txt): a route running its own query,
// which check_layers.cmake must refuse. Never compiled.
void plantedRoute()
{
    SqlQuery q(db, QStringLiteral("SELECT 1"));
}
