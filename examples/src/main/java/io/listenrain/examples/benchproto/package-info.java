/** The Go original's benchmark protocol over the native API, byte for byte. Not API. */
package io.listenrain.examples.benchproto;
