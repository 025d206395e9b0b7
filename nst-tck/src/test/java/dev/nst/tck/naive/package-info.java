/**
 * The suite's own tests: a naive pure-Java backend that the suite must pass, with and without
 * compiled objectives, and misdeclared suites whose failures and skips the suite must report.
 */
package dev.nst.tck.naive;
