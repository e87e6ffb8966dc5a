/**
 * Time: {@link io.listenrain.timer.Ticker}, the clock every timeout reads (injected, so tests run on a fake clock), and
 * {@link io.listenrain.timer.DeadlineTimer}, a min-heap of call deadlines polled by its owner.
 */
package io.listenrain.timer;
