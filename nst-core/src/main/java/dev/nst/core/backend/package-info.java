/**
 * Backend discovery: {@link dev.nst.core.backend.Backends} finds the providers on the classpath,
 * probes them and picks one (explicit name, system property, environment variable, else the
 * highest priority), and {@link dev.nst.core.backend.BackendStatus} reports what it found. The
 * rules of that choice are a package of their own so that they can be tested without any
 * backend on the classpath.
 */
package dev.nst.core.backend;
