/**
 * Classes the agent defines in the application's class loader that holds Apache HttpClient 5, one copy per
 * such loader. They may refer only to HttpClient 5 and HttpCore 5 (as of 5.2), the JDK and
 * {@code io.tokenguard.bootstrap}; the agent checks each referenced library member exists before defining
 * them. Every class here must be listed in {@code Apache5Instrumentation.helperClasses()}.
 */
package io.tokenguard.instrumentation.apache5.helper;
