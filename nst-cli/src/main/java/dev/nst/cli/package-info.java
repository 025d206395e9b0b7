/**
 * The {@code nst} command line tool (picocli): {@code nst stylize} exposes every option of
 * {@link dev.nst.core.StyleTransfer.Builder}, {@code nst models} manages the model cache and
 * {@code nst backends} lists the backends on the classpath. {@link dev.nst.cli.NstCommand} is
 * the entry point; exit codes tell a shell what went wrong (see {@code nst --help}).
 */
package dev.nst.cli;
