import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import { IsInt, IsString, Min, ValidateNested, validateSync, ValidationError } from 'class-validator';
import { validationProblems } from './validation-problems';

class Item {
  @IsString() name!: string;
}

class Order {
  @IsInt() @Min(1) quantity!: number;
  @ValidateNested({ each: true }) @Type(() => Item) items!: Item[];
}

describe('validationProblems', () => {
  it('lists every broken field with its path, array elements in brackets, own messages first', () => {
    const errors = validateSync(plainToInstance(Order, { quantity: 0.5, items: [{ name: 'a' }, { name: 3 }] }));
    expect(validationProblems(errors)).toEqual([
      { path: 'quantity', messages: ['quantity must not be less than 1', 'quantity must be an integer number'] },
      { path: 'items[1].name', messages: ['name must be a string'] },
    ]);
  });

  it('prefixes a parent path', () => {
    const errors = validateSync(plainToInstance(Item, { name: 1 }));
    expect(validationProblems(errors, 'payload')).toEqual([
      { path: 'payload.name', messages: ['name must be a string'] },
    ]);
  });

  it('keeps a field named without a reason, with no messages', () => {
    const error = Object.assign(new ValidationError(), { property: 'metadata', children: [] });
    expect(validationProblems([error])).toEqual([{ path: 'metadata', messages: [] }]);
  });
});
