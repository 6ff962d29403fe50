#pragma once
// Setting up projects through the API for a test: create one, find the session it starts with.
#include "testclient.h"

#include <QString>

namespace vesper::test {

/// Creates a project owned by owner; its id, or empty (with a warning) unless the server answered 201.
QString createProject(TestClient &client, const TestUser &owner, const QString &name, bool shared);
/// The first session the project's session list shows the user; empty (with a warning) on failure.
QString firstSession(TestClient &client, const TestUser &user, const QString &projectId);

} // namespace vesper::test
