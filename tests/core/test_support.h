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

/// Fails the test unless `message` contains `part`, showing both.
#define EXPECT_CONTAINS(message, part)                                                                                      \
    QVERIFY2(std::string(message).find(part) != std::string::npos,                                                          \
             ("expected '" + std::string(part) + "' in: '" + std::string(message) + "'").c_str())
