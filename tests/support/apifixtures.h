#pragma once
// Setting up projects through the API for a test: create one, find the session it starts with, add a
// member the way a real one joins (the owner invites, the invitee accepts).
#include "testclient.h"

#include <QString>

namespace vesper::test {

/// Creates a project owned by owner; its id, or empty (with a warning) unless the server answered 201.
QString createProject(TestClient &client, const TestUser &owner, const QString &name, bool shared);
/// The first session the project's session list shows the user; empty (with a warning) on failure.
QString firstSession(TestClient &client, const TestUser &user, const QString &projectId);

/// The owner invites `member` by email with `role` and the member accepts: the accept's reply (200
/// with the member row) or the first reply that was not what a join answers (with a warning).
Reply addMember(TestClient &client, const TestUser &owner, const QString &projectId, const TestUser &member, const QString &role);
/// The invitation id of the owner's invite reply, accepted by `member`: the accept's reply.
Reply acceptInvitation(TestClient &client, const TestUser &member, const QString &invitationId);

} // namespace vesper::test
