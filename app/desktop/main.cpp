// vesper: placeholder until the shell lands (issue 11).
#include "ui/app/uicontext.h"
#include <QApplication>
int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    vesper::ui::UiContext context;
    return 0;
}
