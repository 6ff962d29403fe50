// The model picker's reason for a model that cannot run names who can fix it: on the local library
// its own Settings ▸ Providers; on a team server (where those settings change nothing) the server's
// administrator. The greyed-out item's tooltip follows when the picker learns which it is.
#include "ui/prompt/modelpicker.h"

#include <QStandardItemModel>
#include <QTest>

using namespace vesper;
using namespace vesper::ui;

class TestModelPicker : public QObject {
    Q_OBJECT

    static QList<ModelInfo> models()
    {
        ModelInfo sketch;
        sketch.id = QStringLiteral("sketch");
        sketch.name = QStringLiteral("Sketch");
        sketch.available = true;
        sketch.description = QStringLiteral("Quick drafts");
        ModelInfo flux;
        flux.id = QStringLiteral("replicate-flux");
        flux.name = QStringLiteral("Flux");
        flux.cost = 3;
        return {sketch, flux};
    }

private Q_SLOTS:
    void reasonNamesWhoCanFixIt()
    {
        const ModelInfo flux = models().at(1);
        const QString local = ModelPicker::unavailableReason(flux, false);
        QVERIFY2(local.contains(QStringLiteral("Settings ▸ Providers")), qPrintable(local));
        const QString team = ModelPicker::unavailableReason(flux, true);
        QVERIFY2(!team.contains(QStringLiteral("Settings")), qPrintable(team));
        QVERIFY2(team.contains(QStringLiteral("administrator")), qPrintable(team));
        QVERIFY(team.contains(QStringLiteral("Flux")));
    }

    void tooltipFollowsTheServerKind()
    {
        ModelPicker picker;
        picker.setModels(models());
        QCOMPARE(picker.currentModelId(), QStringLiteral("sketch"));
        const int row = picker.findData(QStringLiteral("replicate-flux"));
        QVERIFY(row >= 0);
        auto *items = qobject_cast<QStandardItemModel *>(picker.model());
        QVERIFY(items && !(items->item(row)->flags() & Qt::ItemIsEnabled));
        QVERIFY(picker.itemData(row, Qt::ToolTipRole).toString().contains(QStringLiteral("Settings ▸ Providers")));
        QCOMPARE(picker.itemData(picker.findData(QStringLiteral("sketch")), Qt::ToolTipRole).toString(), QStringLiteral("Quick drafts"));

        picker.setOnTeamServer(true);
        QVERIFY(picker.isOnTeamServer());
        const QString tip = picker.itemData(row, Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(QStringLiteral("administrator")) && !tip.contains(QStringLiteral("Settings")), qPrintable(tip));
        QCOMPARE(picker.itemData(picker.findData(QStringLiteral("sketch")), Qt::ToolTipRole).toString(), QStringLiteral("Quick drafts"));
    }
};

QTEST_MAIN(TestModelPicker)
#include "tst_modelpicker.moc"
