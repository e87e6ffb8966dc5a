/** The benchmark's Markdown, CSV and chart reports. Not API. */
package io.listenrain.benchmark.report;
