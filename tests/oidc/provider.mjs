// A real OpenID Connect provider (the npm package oidc-provider) for the portal login tests.
// Listens on 127.0.0.1 (random port), prints one JSON line {"issuer": …} on stdout when ready, and
// approves every authorization for the test citizen without a page, so that an HTTP client that
// follows redirects can play the browser. Stops on SIGTERM or when stdin closes.
//
//   node tests/oidc/provider.mjs [--client-id web-padsvc] [--access-ttl SECONDS]
import { createServer } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const clientId = option('--client-id', 'web-padsvc');
const accessTtl = Number(option('--access-ttl', '300'));

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'kyso-test-oidc', use: 'sig', alg: 'RS256' };

const citizen = {
  accountId: 'c0ffee00-0000-4000-8000-051090000101',
  claims: { name: 'Nguyễn Văn An', preferred_username: '051090000101', email: 'an.nguyen@oidc.kyso.test' },
};

let provider;

const server = createServer(async (req, res) => {
  try {
    // The "login page": finish login, then consent, at once.
    if (req.url.startsWith('/interaction/')) {
      const { prompt, params, session, grantId } = await provider.interactionDetails(req, res);
      let result;
      if (prompt.name === 'login') {
        result = { login: { accountId: citizen.accountId } };
      } else {
        const grant = grantId ? await provider.Grant.find(grantId)
                              : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
        grant.addOIDCScope(params.scope);
        result = { consent: { grantId: await grant.save() } };
      }
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
      return;
    }
    provider.callback()(req, res);
  } catch (err) {
    res.statusCode = 500;
    res.end(String(err));
  }
});

server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      // RFC 8252 §7.3: for native clients the loopback redirect's port is not compared.
      redirect_uris: ['http://127.0.0.1/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    }],
    jwks: { keys: [jwk] },
    pkce: { methods: ['S256'], required: () => true },
    features: { devInteractions: { enabled: false }, revocation: { enabled: true } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (ctx, id) => (id === citizen.accountId
      ? { accountId: id, claims: async () => ({ sub: id, ...citizen.claims }) }
      : undefined),
    // Like Keycloak's default client scopes: the name comes with scope=openid.
    claims: { openid: ['sub', 'name', 'preferred_username'], email: ['email'] },
    conformIdTokenClaims: false,
    issueRefreshToken: async () => true,
    ttl: { AccessToken: accessTtl, IdToken: 3600, RefreshToken: 3600, AuthorizationCode: 60,
           Interaction: 600, Session: 3600, Grant: 3600 },
    cookies: { keys: ['kyso-test-only'] },
  });
  provider.proxy = false;
  process.stdout.write(JSON.stringify({ issuer, client_id: clientId }) + '\n');
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
