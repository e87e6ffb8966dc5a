/** The launcher's commands ({@code demo}, {@code serve}, {@code call}) and the services they serve. Not API. */
package io.listenrain.examples;
