/**
 * gRPC over a child process's stdin/stdout: {@link io.listenrain.examples.stdio.StdioParent} starts a child JVM
 * ({@link io.listenrain.examples.stdio.StdioChild}) and calls its greeter over the pipes, no socket anywhere. Not API.
 */
package io.listenrain.examples.stdio;
