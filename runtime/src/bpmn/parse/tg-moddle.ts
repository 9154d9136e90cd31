/**
 * bpmn-moddle extension descriptor for the project namespace `tg`
 * (http://tongguan.dev/schema/bpmn/1.0). The parser registers it to read the attributes, and the
 * designer registers the same object with bpmn-js so the properties panel can edit them.
 * docs/bpmn.md documents every attribute with XML examples.
 *
 * Attribute values are plain strings here; the parser splits lists, parses `<tg:config>` JSON and
 * checks every expression with the expression language.
 */
import { TG_NAMESPACE_URI, TG_PREFIX } from '../model.ts';

interface ModdlePropertyDescriptor {
  readonly name: string;
  readonly type: 'String' | 'Boolean';
  readonly isAttr?: true;
  readonly isBody?: true;
}

interface ModdleTypeDescriptor {
  readonly name: string;
  readonly isAbstract?: true;
  /** Adds the properties to existing BPMN types (extension attributes). */
  readonly extends?: readonly string[];
  /** `Element` = an element allowed inside `<bpmn:extensionElements>`. */
  readonly superClass?: readonly string[];
  readonly meta?: { readonly allowedIn: readonly string[] };
  readonly properties: readonly ModdlePropertyDescriptor[];
}

export interface ModdlePackageDescriptor {
  readonly name: string;
  readonly prefix: string;
  readonly uri: string;
  readonly xml: { readonly tagAlias: 'lowerCase' };
  readonly associations: readonly never[];
  readonly types: readonly ModdleTypeDescriptor[];
}

const attribute = (name: string, type: 'String' | 'Boolean' = 'String'): ModdlePropertyDescriptor => ({ name, type, isAttr: true });

const SERVICE_LIKE = ['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask'] as const;

export const tgModdleDescriptor: ModdlePackageDescriptor = {
  name: 'Tongguan',
  prefix: TG_PREFIX,
  uri: TG_NAMESPACE_URI,
  xml: { tagAlias: 'lowerCase' },
  associations: [],
  types: [
    {
      name: 'UserTaskAttributes',
      isAbstract: true,
      extends: ['bpmn:UserTask'],
      properties: [
        attribute('assignee'),
        attribute('candidateRoles'),
        attribute('candidatePositions'),
        attribute('candidateOrganisations'),
        attribute('formKey'),
        attribute('dueDate'),
        attribute('escalateTo'),
        attribute('priority'),
      ],
    },
    {
      name: 'ServiceTaskAttributes',
      isAbstract: true,
      extends: SERVICE_LIKE,
      properties: [attribute('type'), attribute('resultVariable')],
    },
    {
      name: 'MultiInstanceAttributes',
      isAbstract: true,
      extends: ['bpmn:MultiInstanceLoopCharacteristics'],
      properties: [attribute('collection'), attribute('elementVariable')],
    },
    {
      name: 'CallActivityAttributes',
      isAbstract: true,
      extends: ['bpmn:CallActivity'],
      properties: [attribute('inheritVariables', 'Boolean')],
    },
    {
      // <tg:config>{"channel": "sms"}</tg:config> — handler configuration as a JSON object.
      name: 'Config',
      superClass: ['Element'],
      meta: { allowedIn: SERVICE_LIKE },
      properties: [{ name: 'body', type: 'String', isBody: true }],
    },
    {
      // <tg:in target="caseId" expression="caseId"/> — variable of the called process.
      name: 'In',
      superClass: ['Element'],
      meta: { allowedIn: ['bpmn:CallActivity'] },
      properties: [attribute('target'), attribute('expression')],
    },
    {
      // <tg:out target="result" expression="outcome"/> — variable of the calling process.
      name: 'Out',
      superClass: ['Element'],
      meta: { allowedIn: ['bpmn:CallActivity'] },
      properties: [attribute('target'), attribute('expression')],
    },
  ],
};
