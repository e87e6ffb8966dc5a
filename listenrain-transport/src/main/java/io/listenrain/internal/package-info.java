/**
 * Support code shared by the ListenRain modules that is not API: it may change in any release without notice.
 * Applications must not use it.
 */
package io.listenrain.internal;
