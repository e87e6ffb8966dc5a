/**
 * Executors on which a protocol runs its callbacks (a state machine's response handling, a server's router), so that
 * no user code runs on an I/O thread unless the protocol asks for the direct executor.
 */
package io.listenrain.exec;
