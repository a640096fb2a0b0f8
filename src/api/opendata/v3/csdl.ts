/** `$metadata` of the v3 feed: EDMX 1.0 with a CSDL v3 schema. */
import type { EntitySet } from '../entity-set.js';
import { xmlEscape } from '../http.js';
import { buildTablesSet } from './metadata-sets.js';
import type { V3Model } from './model.js';
import { NAMESPACE } from './vocabulary.js';

/** EDMX 1.0 with a CSDL v3 schema, as WCF Data Services (and so opendata.cbs.nl) writes it. */
export function csdlV3(containerName: string, sets: Iterable<EntitySet>): string {
  const list = [...sets];
  const types = list
    .map((s) => {
      const props = s.properties
        .map(
          (p) =>
            `        <Property Name="${xmlEscape(p.name)}" Type="${p.type}" Nullable="${p.nullable ? 'true' : 'false'}"/>`,
        )
        .join('\n');
      return `      <EntityType Name="${xmlEscape(s.typeName)}">\n        <Key><PropertyRef Name="${xmlEscape(s.key)}"/></Key>\n${props}\n      </EntityType>`;
    })
    .join('\n');
  const container = list
    .map(
      (s) =>
        `        <EntitySet Name="${xmlEscape(s.name)}" EntityType="${NAMESPACE}.${xmlEscape(s.typeName)}"/>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx">
  <edmx:DataServices m:DataServiceVersion="3.0" m:MaxDataServiceVersion="3.0" xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">
    <Schema Namespace="${NAMESPACE}" xmlns="http://schemas.microsoft.com/ado/2009/11/edm">
${types}
      <EntityContainer Name="${xmlEscape(containerName)}" m:IsDefaultEntityContainer="true">
${container}
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
`;
}

/** A valid SimpleIdentifier for the entity container of a release. */
function containerNameOf(identifier: string): string {
  return `Table_${identifier}`.replace(/[^A-Za-z0-9_]/g, '_');
}

export function metadataXmlV3(model: V3Model): string {
  return csdlV3(containerNameOf(model.identifier), model.sets.values());
}

/** `$metadata` of the catalogue service (the Tables set). */
export function catalogMetadataXmlV3(): string {
  return csdlV3('Catalog', [buildTablesSet([])]);
}
