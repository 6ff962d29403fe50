#pragma once
// Network and disk calls leave the GUI thread: run work on the thread pool and hand its result to
// done on the GUI thread, unless owner is gone by then (its watcher goes with it).
//
//     runOffThread<ApiResult<QJsonArray>>(this, [api] { return api->invitations(); },
//                                         [this](const ApiResult<QJsonArray> &r) { show(r); });
#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>

namespace vesper::ui {

template <class Result, class Work, class Done>
void runOffThread(QObject *owner, Work work, Done done)
{
    auto *watcher = new QFutureWatcher<Result>(owner);
    QObject::connect(watcher, &QFutureWatcher<Result>::finished, owner, [watcher, done] {
        watcher->deleteLater();
        done(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(work));
}

} // namespace vesper::ui
