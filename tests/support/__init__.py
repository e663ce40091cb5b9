"""Helpers the tests, benchmarks and scripts share: real builds, servers, browsers, mail."""
