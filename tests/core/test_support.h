#pragma once
// Small helpers shared by the core tests.
#include <QtTest>

#include <functional>
#include <string>

/// The message of the exception of type E that f throws, or "" when none.
template <class E> std::string errorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const E& e) {
        return e.what();
    }
    return {};
}

/// Fails the test unless `message` contains `part`, showing both. Each
/// argument is evaluated once (a call that changes state runs once).
#define EXPECT_CONTAINS(message, part)                                                                                      \
    do {                                                                                                                    \
        const std::string expectMessage_(message), expectPart_(part);                                                       \
        QVERIFY2(expectMessage_.find(expectPart_) != std::string::npos,                                                     \
                 ("expected '" + expectPart_ + "' in: '" + expectMessage_ + "'").c_str());                                  \
    } while (false)
