import { IsEnum, IsOptional, IsString, IsUUID, Length, ValidateBy, ValidateIf } from 'class-validator';
import { IsSnowflake } from '@discord-backbone/contracts';
import { OrderStatus } from '@discord-backbone/prisma';

/** Placed with a contractor or a community: exactly one of the two. */
class PlacedWithDto {
  @ValidateIf((dto: PlacedWithDto) => dto.contractorId !== undefined || dto.communityId === undefined)
  @IsUUID(undefined, { message: 'contractorId must be a UUID (or give communityId)' })
  @ValidateBy({
    name: 'notWithCommunityId',
    validator: {
      validate: (_value, args) => (args?.object as PlacedWithDto).communityId === undefined,
      defaultMessage: () => 'give either contractorId or communityId, not both',
    },
  })
  contractorId?: string;

  @ValidateIf((dto: PlacedWithDto) => dto.communityId !== undefined || dto.contractorId === undefined)
  @IsString({ message: 'communityId is required when no contractorId is given' })
  @Length(1, 64)
  communityId?: string;
}

export class CreateOrderDto extends PlacedWithDto {
  @IsString() @Length(1, 200) title!: string;
  @IsOptional() @IsString() @Length(0, 1000) description?: string;
  @IsString() @Length(1, 64) customerId!: string;
  @IsOptional() @IsString() @Length(1, 64) assignedId?: string;
}

export class CreateOfferSessionDto extends PlacedWithDto {
  @IsString() @Length(1, 64) customerId!: string;
  @IsOptional() @IsString() @Length(1, 64) assignedId?: string;
}

export class UpdateOrderStatusDto {
  @IsEnum(OrderStatus, { message: `status must be one of ${Object.values(OrderStatus).join(', ')}` })
  status!: OrderStatus;
}

export class AssignOrderDto {
  @IsString() @Length(1, 64) userId!: string;
}

export class ChatMessageDto {
  @IsString() @Length(1, 80) authorName!: string;
  @IsString() @Length(1, 1900) content!: string;
}

export class CreateContractorDto {
  @IsString() @Length(1, 200) name!: string;
  @IsOptional() @IsSnowflake() discordGuildId?: string;
  @IsOptional() @IsSnowflake() discordThreadChannelId?: string;
}
