#include "client/cli/passwordprompt.h"

#include <cstdio>
#include <string>
#include <termios.h>
#include <unistd.h>

namespace vesper::client::cli {

namespace {
QString firstLine(FILE *in)
{
    std::string text;
    for (int c = std::fgetc(in); c != EOF && c != '\n'; c = std::fgetc(in))
        text.push_back(char(c));
    if (!text.empty() && text.back() == '\r')
        text.pop_back();
    return QString::fromStdString(text);
}
} // namespace

std::optional<QString> readPassword(bool fromStdin, QString *error)
{
    QString password;
    if (fromStdin) {
        password = firstLine(stdin);
    } else {
        if (isatty(fileno(stdin)) != 1) {
            *error = QStringLiteral("no terminal to ask for the password; pipe it in with --password-stdin");
            return std::nullopt;
        }
        std::fputs("Password: ", stderr);
        std::fflush(stderr);
        termios saved{};
        tcgetattr(fileno(stdin), &saved);
        termios quiet = saved;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(fileno(stdin), TCSAFLUSH, &quiet);
        password = firstLine(stdin);
        tcsetattr(fileno(stdin), TCSAFLUSH, &saved);
        std::fputc('\n', stderr);
    }
    if (password.isEmpty()) {
        *error = QStringLiteral("the password is empty");
        return std::nullopt;
    }
    return password;
}

} // namespace vesper::client::cli
