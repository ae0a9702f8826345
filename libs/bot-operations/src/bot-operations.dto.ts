import { IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';
import { SNOWFLAKE } from '@app/contracts';

export class CreateSubscriptionChannelDto {
  @Matches(SNOWFLAKE, { message: 'channelId must be a numeric Discord ID' }) channelId!: string;
  @Matches(SNOWFLAKE, { message: 'guildId must be a numeric Discord ID' }) guildId!: string;
  /** Access by this role; without one, access is a member permission overwrite on the channel. */
  @IsOptional() @Matches(SNOWFLAKE, { message: 'roleId must be a numeric Discord ID' }) roleId?: string;
  @IsOptional() @IsBoolean() kickOnRemove?: boolean;
}

export class CreateSubscriptionDto {
  @IsString() @Length(1, 64) userId!: string;
  @Matches(SNOWFLAKE, { message: 'channelId must be a numeric Discord ID' }) channelId!: string;
  @IsOptional() @IsString() @Length(1, 64) orderId?: string;
}

export class CreateListingDto {
  @IsString() @Length(1, 200) title!: string;
  @Matches(SNOWFLAKE, { message: 'channelId must be a numeric Discord ID' }) channelId!: string;
}

