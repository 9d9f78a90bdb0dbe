/**
 * Classes the agent defines in the application's class loader that holds OkHttp, one copy per such loader.
 * They may refer only to OkHttp, the JDK and {@code io.tokenguard.bootstrap}; the agent checks each
 * referenced OkHttp member exists before defining them.
 */
package io.tokenguard.instrumentation.okhttp.helper;
