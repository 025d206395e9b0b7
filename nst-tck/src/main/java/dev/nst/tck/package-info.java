/**
 * The backend conformance suite: {@link dev.nst.tck.BackendConformanceSuite}, which a backend
 * module subclasses in its tests, naming its provider and the compiled features it declares.
 * Its parts (reference cases against float64 data, central differences, declared features,
 * lifecycle, bad input) are package-private classes run as nested tests of the suite.
 */
package dev.nst.tck;
