// The emulator's own CA (created on first start, kept in the state directory) and a server
// certificate for localhost/127.0.0.1/::1 signed by it. Clients trust the CA explicitly
// (tlsOptions: { ca }); verification is never turned off.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import forge from 'node-forge';
import { writeFileAtomically } from '@complianceflow/core/atomic-file.ts';

export interface TlsMaterial {
  caPem: string;
  caPath: string;
  certPem: string;
  keyPem: string;
}

function newKeyPair(): { publicKey: forge.pki.PublicKey; privateKey: forge.pki.rsa.PrivateKey; privatePem: string } {
  // node:crypto generates the key natively (forge's pure-JS RSA generation takes seconds).
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  return { publicKey: forge.pki.publicKeyFromPem(publicKey), privateKey: forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey, privatePem: privateKey };
}

function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f; // positive
  return bytes.toString('hex');
}

function createCa(): { certPem: string; keyPem: string } {
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 10 * 365 * 24 * 3600_000);
  const subject = [{ name: 'commonName', value: 'ComplianceFlow local ARM emulator CA' }, { name: 'organizationName', value: 'ComplianceFlow (local only)' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privatePem };
}

function createServerCert(caCertPem: string, caKeyPem: string): { certPem: string; keyPem: string } {
  const ca = forge.pki.certificateFromPem(caCertPem);
  const caKey = forge.pki.privateKeyFromPem(caKeyPem);
  const keys = newKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer(ca.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }, { type: 7, ip: '::1' }] },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privatePem };
}

/** Loads the CA from the state directory (creating it on first start) and issues a fresh server certificate. */
export function loadTls(stateDir: string): TlsMaterial {
  const caPath = path.join(stateDir, 'ca.pem');
  const caKeyPath = path.join(stateDir, 'ca-key.pem');
  if (!existsSync(caPath) || !existsSync(caKeyPath)) {
    const ca = createCa();
    writeFileAtomically(caKeyPath, ca.keyPem, { fsync: true, mode: 0o600 });
    writeFileAtomically(caPath, ca.certPem, { fsync: true, mode: 0o600 });
  }
  const caPem = readFileSync(caPath, 'utf8');
  const server = createServerCert(caPem, readFileSync(caKeyPath, 'utf8'));
  return { caPem, caPath, certPem: server.certPem, keyPem: server.keyPem };
}
