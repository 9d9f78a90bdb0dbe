package io.tokenguard.agent;

import io.tokenguard.config.Settings;
import io.tokenguard.oauth.ClientAuth;
import io.tokenguard.oauth.RequestFormat;
import io.tokenguard.oauth.TokenEndpointClient;
import io.tokenguard.store.CredentialStore;
import io.tokenguard.store.ExpiryFormat;
import io.tokenguard.store.RefreshLock;
import java.time.Clock;
import java.util.Locale;

/** The token core's parts as the settings describe them: one place for the agent and for {@code doctor}. */
public final class CoreFromSettings {
    private CoreFromSettings() {}

    public static CredentialStore credentialStore(Settings settings, Clock clock) {
        return new CredentialStore(settings.credentialsFile(), settings.accessTokenPointer(),
                settings.refreshTokenPointer(), settings.expiresAtPointer(),
                settings.expiresAtMillisWhenAbsent() ? ExpiryFormat.EPOCH_MILLIS : ExpiryFormat.EPOCH_SECONDS, clock);
    }

    /** Null when no {@code token-url} is set. */
    public static TokenEndpointClient tokenEndpoint(Settings settings) {
        return settings.tokenUrl() == null ? null
                : new TokenEndpointClient(settings.tokenUrl(), settings.clientId(), settings.clientSecret(),
                        ClientAuth.valueOf(settings.clientAuth().toUpperCase(Locale.ROOT)),
                        RequestFormat.valueOf(settings.tokenRequestFormat().toUpperCase(Locale.ROOT)),
                        settings.scope(), settings.refreshTimeout());
    }

    public static RefreshLock refreshLock(Settings settings) {
        return new RefreshLock(settings.credentialsFile(), settings.lockDirs());
    }
}
