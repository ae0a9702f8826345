import { IsBoolean, IsOptional, IsString, Length } from 'class-validator';
import { IsSnowflake } from '@discord-backbone/contracts';

export class CreateSubscriptionChannelDto {
  @IsSnowflake() channelId!: string;
  @IsSnowflake() guildId!: string;
  /** Access by this role; without one, access is a member permission overwrite on the channel. */
  @IsOptional() @IsSnowflake() roleId?: string;
  @IsOptional() @IsBoolean() kickOnRemove?: boolean;
}

export class CreateSubscriptionDto {
  @IsString() @Length(1, 64) userId!: string;
  @IsSnowflake() channelId!: string;
  @IsOptional() @IsString() @Length(1, 64) orderId?: string;
}

export class CreateListingDto {
  @IsString() @Length(1, 200) title!: string;
  @IsSnowflake() channelId!: string;
}
