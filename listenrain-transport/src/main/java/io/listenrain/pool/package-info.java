/**
 * {@link io.listenrain.pool.TransportPool}: one client transport per {@link io.listenrain.config.TransportKey},
 * created on first use and shared by every caller that names the same key.
 */
package io.listenrain.pool;
