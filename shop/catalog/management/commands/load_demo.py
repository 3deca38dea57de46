"""`manage.py load_demo`: a demo catalogue, stores and staff accounts for Storefront.

The command is idempotent. Rows are keyed on their slug (or e-mail for users) and only saved
when a value differs, so a second run reports everything as unchanged and touches nothing, not
even `updated_at`. A re-run does restore edited demo rows to their demo values, including
stock, which is what one wants after playing with the demo shop.

Product pictures are drawn with Pillow (see `shop.catalog.demo_images`): nothing is downloaded
and nothing is committed. A product only gets pictures when it has none, so re-runs never add
duplicates and never replace pictures uploaded by hand.
"""

from __future__ import annotations

import datetime
import random
import time
from dataclasses import dataclass
from datetime import time as clock
from decimal import Decimal
from typing import Any, TypeVar

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandParser
from django.db import models, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify

from personalization.models import Condition, Question, RegionSet, Segment, Slot, Variant
from personalization.services import variant_renditions_update
from shop.catalog.demo_images import banner_picture, detail_picture, product_picture
from shop.catalog.models import Category, PetType, Product, ProductImage, Season
from shop.catalog.services import image_renditions_update
from shop.offers.models import Offer
from shop.orders.models import Order, OrderEvent, OrderLine, OrderStatus
from shop.orders.popularity import popularity_rebuild
from shop.stores.models import Store

M = TypeVar("M", bound=models.Model)

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


# --- Data -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoCategory:
    name: str
    description: str
    children: tuple[tuple[str, str], ...] = ()  # (name, description)


CATEGORIES: tuple[DemoCategory, ...] = (
    DemoCategory(
        "Food",
        "Complete meals, treats and chews for every life stage.",
        (
            ("Dry food", "Complete kibble and pellets that keep well between shops."),
            ("Wet food", "Pouches, trays and cans for fussy eaters and extra moisture."),
            ("Treats", "Rewards for training, teeth cleaning and simply being good."),
        ),
    ),
    DemoCategory(
        "Beds & furniture",
        "Somewhere soft to sleep and somewhere high to watch from.",
        (
            ("Beds", "Orthopaedic, calming and washable beds for dogs and cats."),
            ("Cat trees & scratchers", "Climbing, scratching and lookout spots for cats."),
        ),
    ),
    DemoCategory(
        "Toys",
        "Play that keeps bodies fit and minds busy.",
        (
            ("Chew & fetch toys", "Tough toys to chew, chase and bring back."),
            ("Puzzle & play", "Teasers and puzzles that make pets think for their treats."),
        ),
    ),
    DemoCategory(
        "Walking & travel",
        "Everything for walks, trips and visits to the vet.",
        (
            ("Collars & leads", "Harnesses, leads and collars that are safe and comfortable."),
            ("Carriers & crates", "Carriers and crates for the car, the train and the plane."),
        ),
    ),
    DemoCategory(
        "Care & grooming",
        "Brushing, bathing and keeping clean at home.",
        (
            ("Grooming", "Brushes, clippers and shampoos for every coat."),
            ("Hygiene & litter", "Litter, dental care and everyday hygiene."),
        ),
    ),
    DemoCategory(
        "Seasonal",
        "What pets need for Japan's hot summers, cold winters and the rainy season.",
        (
            ("Summer cooling", "Cooling mats, vests and water for hot, humid days."),
            ("Winter warmth", "Warm beds, sweaters and paw care for the cold months."),
            ("Rainy season", "Raincoats, boots and towels for tsuyu walks."),
        ),
    ),
    DemoCategory(
        "Aquarium & bird",
        "Tanks, food and care for fish and cage birds.",
        (
            ("Aquarium", "Starter kits, food and equipment for freshwater fish."),
            ("Bird care", "Cages, perches and toys for budgies and parrots."),
        ),
    ),
    DemoCategory(
        "Small pets",
        "Homes, hay and bedding for rabbits, hamsters and guinea pigs.",
        (
            ("Hutches & habitats", "Hutches, cages and hideaways for small pets."),
            ("Hay & bedding", "Fresh hay to eat and soft bedding to burrow in."),
        ),
    ),
)


@dataclass(frozen=True)
class DemoProduct:
    name: str
    category: str  # slug of a subcategory
    pet_type: str
    price: int  # whole yen
    stock: int
    description: str
    compare_at_price: int | None = None
    season: str = Season.ALL_YEAR
    pictures: int = 1  # featured products also get a second, detail picture


# Short names keep the product table below readable.
DOG = PetType.DOG
CAT = PetType.CAT
SMALL = PetType.SMALL_PET
BIRD = PetType.BIRD
FISH = PetType.FISH

# fmt: off
PRODUCTS: tuple[DemoProduct, ...] = (
    # Dry food
    DemoProduct(
        "Hokkaido Salmon Adult Dog Food 3 kg", "dry-food", DOG, 4980, 42,
        "A complete dry food for adult dogs, with salmon from Hokkaido as the first ingredient. "
        "Brown rice and oats give slow-release energy, and fish oil keeps the coat glossy. "
        "The small, crunchy kibble suits breeds from shiba to labrador.",
        compare_at_price=5480, pictures=2,
    ),
    DemoProduct(
        "Chicken & Pumpkin Puppy Food 2 kg", "dry-food", DOG, 3980, 25,
        "Gentle grain-free kibble for puppies up to twelve months old. Chicken provides the "
        "protein growing muscles need, and pumpkin is kind to young stomachs. The kibble is "
        "small enough for little teeth.",
    ),
    DemoProduct(
        "Indoor Cat Food with Bonito 1.5 kg", "dry-food", CAT, 2680, 36,
        "Made for cats who live indoors and move a little less. Bonito gives the flavour cats "
        "love, added fibre helps hairballs pass, and a moderate calorie level keeps weight in "
        "check.",
    ),
    DemoProduct(
        "Senior Cat Food with Chicken 1.2 kg", "dry-food", CAT, 3280, 2,
        "For cats aged eleven and over. Moderate phosphorus and high-quality chicken protein "
        "support ageing kidneys, and the softer kibble is easier to chew.",
    ),
    DemoProduct(
        "Timothy Pellets for Adult Rabbits 1 kg", "dry-food", SMALL, 1480, 30,
        "High-fibre pellets based on timothy hay, with no seeds or sugary bits for picky eaters "
        "to pick out. Feed alongside unlimited fresh hay for healthy teeth and digestion.",
    ),
    DemoProduct(
        "Budgie Seed Mix with Millet 800 g", "dry-food", BIRD, 880, 22,
        "A cleaned mix of millet, canary seed and oat groats for budgies and other small "
        "parakeets. The resealable bag keeps the seeds fresh to the last spoonful.",
    ),
    # Wet food
    DemoProduct(
        "Tuna & Chicken Cat Pouches, 12 Pack", "wet-food", CAT, 1580, 60,
        "Tender flakes of tuna and chicken in a light jelly. Each 70 g pouch is one meal for an "
        "average cat. Complete and balanced, so it can be fed on its own or with dry food.",
        compare_at_price=1780, pictures=2,
    ),
    DemoProduct(
        "Slow-Cooked Beef Stew for Dogs, 6 Cans", "wet-food", DOG, 2380, 18,
        "Chunks of beef, carrot and potato slow-cooked in their own gravy. Serve as a full meal "
        "or spoon a little over kibble to tempt a fussy eater.",
    ),
    DemoProduct(
        "Kitten Salmon Mousse, 24 Trays", "wet-food", CAT, 3480, 0,
        "A smooth salmon mousse for kittens from weaning to one year. Added DHA supports "
        "healthy development, and the soft texture suits tiny mouths.",
    ),
    DemoProduct(
        "Pumpkin & Chestnut Cat Pouches, 6 Pack", "wet-food", CAT, 980, 24,
        "A seasonal recipe of chicken with pumpkin and a touch of chestnut, made only in "
        "autumn. Complete and balanced, in a gentle broth that helps cats drink more.",
        season=Season.AUTUMN,
    ),
    # Treats
    DemoProduct(
        "Chicken Breast Jerky Dog Treats 200 g", "treats", DOG, 980, 80,
        "Thin strips of chicken breast, slowly dried with nothing added. Break them into small "
        "pieces for training rewards.",
    ),
    DemoProduct(
        "Freeze-Dried Bonito Flakes for Cats", "treats", CAT, 680, 55,
        "Light bonito flakes, freeze-dried to keep their aroma. Sprinkle a few over a meal or "
        "offer a pinch as a reward.",
    ),
    DemoProduct(
        "Dental Chews for Medium Dogs, 14 Pack", "treats", DOG, 1280, 45,
        "Textured daily chews that scrub teeth while your dog chews. Each chew is sized for "
        "dogs of 10 to 25 kg, and one a day makes a tidy two-week supply.",
        compare_at_price=1480, pictures=2,
    ),
    DemoProduct(
        "Lickable Tuna Cat Treats, 20 Tubes", "treats", CAT, 1180, 3,
        "A creamy treat that cats lick straight from the tube. Handy for hiding a tablet, or "
        "simply for a quiet moment together.",
    ),
    DemoProduct(
        "Dried Papaya & Apple Chews for Small Pets", "treats", SMALL, 580, 26,
        "Sun-dried papaya and apple pieces for rabbits, guinea pigs and chinchillas. Offer one "
        "or two pieces a day as a treat alongside hay.",
    ),
    DemoProduct(
        "Millet Spray for Budgies, 5 Stems", "treats", BIRD, 480, 40,
        "Natural millet sprays still on the stem, which birds love to pick apart. Clip one to "
        "the cage bars as a treat or use it for training.",
    ),
    DemoProduct(
        "Sweet Potato Chews for Dogs 150 g", "treats", DOG, 780, 33,
        "Slices of Kyushu sweet potato, steamed and dried when the new harvest comes in each "
        "autumn. Naturally sweet and chewy, with nothing added.",
        season=Season.AUTUMN,
    ),
    # Beds
    DemoProduct(
        "Orthopaedic Memory Foam Dog Bed, Large", "beds", DOG, 12800, 7,
        "A 10 cm memory-foam base that spreads weight evenly, ideal for older dogs and big "
        "breeds. The cover zips off and goes in the washing machine. A non-slip underside "
        "keeps it in place on wooden floors.",
        compare_at_price=14800, pictures=2,
    ),
    DemoProduct(
        "Donut Calming Bed for Cats and Small Dogs", "beds", CAT, 5980, 14,
        "A round bed with a raised rim to rest a chin on and deep faux fur to burrow into. The "
        "whole bed is machine washable.",
    ),
    # Cat trees & scratchers
    DemoProduct(
        "Five-Level Cat Tree with Hammock", "cat-trees-scratchers", CAT, 16800, 4,
        "A 150 cm tree with sisal posts, two platforms, a hammock and a hidey box. The wide "
        "base and a wall strap keep it steady for cats who leap.",
        pictures=2,
    ),
    DemoProduct(
        "Cardboard Scratcher Lounge", "cat-trees-scratchers", CAT, 1980, 50,
        "A curved lounger of recycled corrugated cardboard to scratch, stretch and nap on. It "
        "comes with a bag of catnip to win over new users.",
    ),
    DemoProduct(
        "Window Perch with Suction Cups", "cat-trees-scratchers", CAT, 3480, 1,
        "A sturdy perch that fixes to a window with four strong suction cups and holds cats of "
        "up to 15 kg. Perfect for bird-watching in the sun.",
    ),
    # Chew & fetch toys
    DemoProduct(
        "Natural Rubber Chew Bone, Medium", "chew-fetch-toys", DOG, 1480, 38,
        "A tough bone of natural rubber for dogs who chew hard. The grooves hold a smear of "
        "paste to keep them busy for longer.",
    ),
    DemoProduct(
        "Squeaky Plush Shiba Toy", "chew-fetch-toys", DOG, 1280, 2,
        "A soft plush shiba inu with a squeaker inside and reinforced seams. Sized for small "
        "and medium dogs.",
    ),
    DemoProduct(
        "Floating Fetch Ball", "chew-fetch-toys", DOG, 880, 40,
        "A bright ball that floats high in the water, for fetch at the river or the beach. It "
        "is easy to spot and easy for soft mouths to grip.",
        season=Season.SUMMER,
    ),
    DemoProduct(
        "Willow Ball Chews for Rabbits, 3 Pack", "chew-fetch-toys", SMALL, 780, 25,
        "Woven willow balls to roll, toss and gnaw. Chewing natural willow helps wear down "
        "ever-growing teeth.",
    ),
    # Puzzle & play
    DemoProduct(
        "Feather Wand Cat Teaser with Refills", "puzzle-play", CAT, 880, 48,
        "A flexible wand with a feather lure that flutters like a bird in flight. Two refill "
        "lures are included.",
    ),
    DemoProduct(
        "Treat Puzzle Board for Dogs", "puzzle-play", DOG, 3280, 12,
        "Sliding blocks and flip lids hide treats for your dog to find. Ten minutes of sniffing "
        "and solving tires a dog out as much as a walk.",
        compare_at_price=3680, pictures=2,
    ),
    DemoProduct(
        "Foraging Toy for Parrots", "puzzle-play", BIRD, 1680, 9,
        "Paper cups and wooden beads on a hanging chain, for parrots to shred while they "
        "search for hidden treats. It keeps clever birds busy while you are out.",
    ),
    # Collars & leads
    DemoProduct(
        "Reflective No-Pull Dog Harness", "collars-leads", DOG, 3980, 20,
        "A padded harness with a front clip that gently discourages pulling. Reflective "
        "stitching keeps you both visible on evening walks.",
    ),
    DemoProduct(
        "Retractable Dog Lead, 5 m", "collars-leads", DOG, 2980, 16,
        "A lead that extends to 5 m, with a one-button brake and lock. Suitable for dogs of up "
        "to 25 kg.",
        compare_at_price=3480,
    ),
    # Carriers & crates
    DemoProduct(
        "Soft-Sided Travel Carrier", "carriers-crates", CAT, 8980, 9,
        "A ventilated soft carrier sized to fit under most aircraft seats. Mesh on three sides, "
        "a fleece pad and a padded shoulder strap. For cats and small dogs of up to 7 kg.",
    ),
    DemoProduct(
        "Folding Wire Crate for Medium Dogs", "carriers-crates", DOG, 9800, 0,
        "A two-door wire crate that folds flat in seconds for the car or a visit to family. It "
        "comes with a removable plastic tray for easy cleaning.",
    ),
    # Grooming
    DemoProduct(
        "Deshedding Brush for Double-Coated Dogs", "grooming", DOG, 2980, 21,
        "Lifts loose undercoat without cutting the top coat, for breeds such as shiba, akita "
        "and husky. Especially welcome when the winter coat comes out in spring.",
        season=Season.SPRING,
    ),
    DemoProduct(
        "Self-Cleaning Slicker Brush for Cats", "grooming", CAT, 1980, 19,
        "Fine pins remove tangles and loose fur. Press the button and the pins retract, so the "
        "fur slides off in one go.",
    ),
    # Hygiene & litter
    DemoProduct(
        "Enzyme Toothpaste & Finger Brush Set", "hygiene-litter", DOG, 1380, 23,
        "A chicken-flavoured enzyme toothpaste with a soft silicone finger brush. A gentle way "
        "to start brushing, and safe to swallow.",
    ),
    DemoProduct(
        "Tofu Cat Litter 7 L", "hygiene-litter", CAT, 1080, 70,
        "Plant-based litter made from tofu fibre that clumps firmly and controls odour. Small "
        "amounts can be flushed, and it is light to carry home.",
        compare_at_price=1280, pictures=2,
    ),
    # Summer cooling
    DemoProduct(
        "Cooling Mat for Dogs, Large", "summer-cooling", DOG, 4980, 15,
        "A pressure-activated gel mat that cools as soon as your dog lies down, with no fridge "
        "or electricity needed. It wipes clean and folds for travel.",
        compare_at_price=5980, season=Season.SUMMER, pictures=2,
    ),
    DemoProduct(
        "Cool-Touch Cat Mat", "summer-cooling", CAT, 2980, 3,
        "A thin mat with a cool-touch fabric that stays below body temperature on hot days. "
        "Cats can curl up on it anywhere, and it goes in the washing machine.",
        season=Season.SUMMER,
    ),
    DemoProduct(
        "Aluminium Cooling Plate for Small Pets", "summer-cooling", SMALL, 1980, 12,
        "A cool aluminium plate for hamsters, rabbits and guinea pigs to stretch out on during "
        "hot, humid days. Rounded edges and non-slip feet make it safe in any cage.",
        season=Season.SUMMER,
    ),
    DemoProduct(
        "Mesh Cooling Vest for Dogs", "summer-cooling", DOG, 3980, 10,
        "Soak it in water, wring it out and put it on: evaporation keeps your dog cooler on "
        "summer walks. The light mesh has reflective trim.",
        season=Season.SUMMER,
    ),
    # Winter warmth
    DemoProduct(
        "Self-Heating Thermal Pet Mat", "winter-warmth", CAT, 3480, 17,
        "A layer of reflective film returns your pet's own body heat, so the mat feels warm "
        "without any power. Safe to leave out all day and all night.",
        season=Season.WINTER, pictures=2,
    ),
    DemoProduct(
        "Heated Dog Bed with Low-Voltage Pad", "winter-warmth", DOG, 9800, 0,
        "A bolstered bed with a removable low-voltage heating pad and a chew-resistant cord. "
        "The pad warms gently to a comfortable temperature and switches off on its own.",
        compare_at_price=11800, season=Season.WINTER,
    ),
    DemoProduct(
        "Protective Paw Balm 50 g", "winter-warmth", DOG, 1280, 29,
        "A beeswax and shea butter balm that protects paws from snow, ice and cold pavements. "
        "Lick-safe and unscented.",
        season=Season.WINTER,
    ),
    DemoProduct(
        "Knitted Dog Sweater with Fleece Lining", "winter-warmth", DOG, 2980, 8,
        "A cable-knit sweater with a soft fleece lining for short-coated and small dogs. "
        "A leash opening at the back lets it go under a harness.",
        compare_at_price=3680, season=Season.WINTER,
    ),
    DemoProduct(
        "Fleece Snuggle Pouch for Hamsters", "winter-warmth", SMALL, 1280, 14,
        "A soft fleece pouch for hamsters and other small pets to curl up in on cold nights. "
        "It hangs from the cage or sits on the floor.",
        season=Season.WINTER,
    ),
    DemoProduct(
        "Aquarium Heater 100 W with Thermostat", "winter-warmth", FISH, 3980, 11,
        "A submersible heater with a built-in thermostat for tanks of up to 100 L. It keeps "
        "tropical fish at a steady temperature through the coldest months.",
        season=Season.WINTER,
    ),
    # Rainy season
    DemoProduct(
        "Hooded Dog Raincoat with Reflective Trim", "rainy-season", DOG, 3680, 13,
        "A lightweight waterproof coat with a hood and a harness opening. Reflective trim keeps "
        "your dog visible on grey, rainy evenings.",
        season=Season.RAINY, pictures=2,
    ),
    DemoProduct(
        "Waterproof Dog Boots, Set of 4", "rainy-season", DOG, 2980, 2,
        "Boots with grippy rubber soles and adjustable straps that keep paws dry and clean in "
        "puddles. Sold as a set of four.",
        season=Season.RAINY,
    ),
    DemoProduct(
        "Quick-Dry Microfibre Pet Towel", "rainy-season", DOG, 1480, 35,
        "A large microfibre towel that soaks up water many times its weight. Hand pockets at "
        "each end make drying muddy paws quicker.",
        season=Season.RAINY,
    ),
    DemoProduct(
        "Charcoal Dehumidifying Mat for Cat Beds", "rainy-season", CAT, 1980, 18,
        "A thin bamboo-charcoal mat that goes under a bed cushion and absorbs humidity and "
        "odours. Dry it in the sun and use it again.",
        season=Season.RAINY,
    ),
    # Aquarium
    DemoProduct(
        "Betta Starter Aquarium Kit 10 L", "aquarium", FISH, 6980, 6,
        "A glass tank with a gentle filter, LED light and lid, sized for one betta. Add "
        "water, conditioner and a few plants, and it is ready in a day.",
        compare_at_price=7980, pictures=2,
    ),
    DemoProduct(
        "Tropical Fish Flakes 100 g", "aquarium", FISH, 880, 41,
        "Colour-enhancing flakes for tetras, guppies and other community fish. The flakes float "
        "long enough for every fish to feed.",
    ),
    DemoProduct(
        "Goldfish Sinking Pellets 200 g", "aquarium", FISH, 780, 37,
        "Small pellets that sink slowly so goldfish do not gulp air at the surface. Easy to "
        "digest, which keeps the water cleaner.",
    ),
    DemoProduct(
        "Silent Air Pump for Tanks up to 60 L", "aquarium", FISH, 2480, 0,
        "A quiet air pump with an adjustable flow, for tanks of up to 60 L. It comes with "
        "tubing, a check valve and an air stone.",
    ),
    # Bird care
    DemoProduct(
        "Natural Wood Perch Set for Budgies", "bird-care", BIRD, 1480, 20,
        "Three perches of untreated wood in different thicknesses. Varied perches keep feet "
        "healthy and beaks trimmed.",
    ),
    DemoProduct(
        "Flight Cage for Small Birds", "bird-care", BIRD, 14800, 3,
        "A wide cage with room to fly between perches, a pull-out tray and four feeding doors. "
        "Suitable for budgies, finches and canaries.",
        pictures=2,
    ),
    DemoProduct(
        "Bird Bath with Mirror", "bird-care", BIRD, 980, 15,
        "A clear bath that hangs in a cage doorway, with a small mirror for company. Splashing "
        "stays inside the bath, not on the floor.",
    ),
    # Hutches & habitats
    DemoProduct(
        "Two-Storey Wooden Rabbit Hutch", "hutches-habitats", SMALL, 19800, 1,
        "A fir-wood hutch with a sleeping loft, a ramp and a pull-out tray for easy cleaning. "
        "Big enough for two small rabbits, indoors or on a covered balcony.",
        compare_at_price=22800, pictures=2,
    ),
    DemoProduct(
        "Silent Hamster Wheel, 21 cm", "hutches-habitats", SMALL, 2480, 16,
        "A solid running wheel on ball bearings, so night-time exercise stays quiet. The 21 cm "
        "size suits Syrian hamsters without bending their backs.",
    ),
    # Hay & bedding
    DemoProduct(
        "First-Cut Timothy Hay 1 kg", "hay-bedding", SMALL, 1380, 45,
        "Long, fibrous first-cut timothy hay for rabbits, guinea pigs and chinchillas. Hay "
        "should make up most of their diet, for healthy teeth and digestion.",
    ),
    DemoProduct(
        "Spring Meadow Hay with Dandelion 500 g", "hay-bedding", SMALL, 1180, 20,
        "A fragrant meadow hay with dandelion and plantain, cut in late spring. A tasty change "
        "alongside everyday timothy hay.",
        season=Season.SPRING,
    ),
    DemoProduct(
        "Paper Pellet Bedding 10 L", "hay-bedding", SMALL, 1080, 32,
        "Dust-free pellets of recycled paper that absorb moisture and odour. Gentle on paws "
        "and easy to compost.",
    ),
)
# fmt: on


@dataclass(frozen=True)
class DemoStore:
    name: str
    slug: str
    country: str
    region: str
    city: str
    address: str
    postal_code: str
    latitude: str
    longitude: str
    time_zone: str
    opens_at: clock
    closes_at: clock
    phone: str = ""
    is_vet_partner: bool = False


# Addresses are plausible but fictional. Japan has no numbers reserved for fiction, so the
# Japanese stores have no phone; the others use the ranges set aside for drama and examples.
# fmt: off
STORES: tuple[DemoStore, ...] = (
    DemoStore(
        "Storefront Shibuya", "shibuya", "JP", "JP-13", "Tokyo", "2-14-5 Jinnan, Shibuya-ku",
        "150-0041", "35.66330", "139.69860", "Asia/Tokyo", clock(10), clock(20),
        is_vet_partner=True,
    ),
    DemoStore(
        "Storefront Kichijoji", "kichijoji", "JP", "JP-13", "Musashino",
        "1-22-8 Kichijoji Honcho", "180-0004", "35.70410", "139.57760", "Asia/Tokyo",
        clock(10), clock(20),
    ),
    DemoStore(
        "Storefront Umeda", "umeda", "JP", "JP-27", "Osaka", "3-1-12 Umeda, Kita-ku",
        "530-0001", "34.70110", "135.49460", "Asia/Tokyo", clock(10), clock(21),
    ),
    DemoStore(
        "Storefront Sannomiya", "sannomiya", "JP", "JP-28", "Kobe",
        "2-7-4 Sannomiya-cho, Chuo-ku", "650-0021", "34.69200", "135.19230", "Asia/Tokyo",
        clock(10), clock(20), is_vet_partner=True,
    ),
    DemoStore(
        "Storefront Sapporo Odori", "sapporo-odori", "JP", "JP-01", "Sapporo",
        "Odori Nishi 4-6, Chuo-ku", "060-0042", "43.06010", "141.35290", "Asia/Tokyo",
        clock(10), clock(19),
    ),
    DemoStore(
        "Storefront Sakae", "sakae", "JP", "JP-23", "Nagoya", "3-15-30 Sakae, Naka-ku",
        "460-0008", "35.16900", "136.90650", "Asia/Tokyo", clock(10), clock(20),
    ),
    DemoStore(
        "Storefront Tenjin", "tenjin", "JP", "JP-40", "Fukuoka", "2-5-19 Tenjin, Chuo-ku",
        "810-0001", "33.59070", "130.39940", "Asia/Tokyo", clock(10), clock(20),
    ),
    DemoStore(
        "Storefront Naha", "naha", "JP", "JP-47", "Naha", "3-2-10 Makishi", "900-0013",
        "26.21580", "127.68920", "Asia/Tokyo", clock(11), clock(21),
    ),
    DemoStore(
        "Storefront Islington", "islington", "GB", "GB-ENG", "London", "48 Upper Street",
        "N1 0PN", "51.53800", "-0.10280", "Europe/London", clock(9), clock(18),
        phone="+44 20 7946 0321",
    ),
    DemoStore(
        "Storefront Surry Hills", "surry-hills", "AU", "AU-NSW", "Sydney", "212 Crown Street",
        "2010", "-33.88400", "151.21400", "Australia/Sydney", clock(8, 30), clock(17, 30),
        phone="+61 2 5550 1234", is_vet_partner=True,
    ),
    DemoStore(
        "Storefront Capitol Hill", "capitol-hill", "US", "US-WA", "Seattle", "512 Broadway E",
        "98102", "47.62330", "-122.32080", "America/Los_Angeles", clock(9), clock(19),
        phone="+1 206-555-0147",
    ),
)
# fmt: on


@dataclass(frozen=True)
class DemoRegionSet:
    name: str
    slug: str
    country: str
    regions: tuple[str, ...] = ()
    postal_prefixes: tuple[str, ...] = ()
    is_rural: bool = False


def _jp(*numbers: int) -> tuple[str, ...]:
    return tuple(f"JP-{number:02d}" for number in numbers)


# A sensible split of Japan (rural: far from our stores and sparsely populated, plus Tokyo's
# outlying islands by postal code), and a few other countries.
REGION_SETS = (
    DemoRegionSet("Hokkaido & Tohoku", "hokkaido-tohoku", "JP", _jp(1, 2, 3, 4, 5, 6, 7)),
    DemoRegionSet("Greater Tokyo", "greater-tokyo", "JP", _jp(11, 12, 13, 14)),
    DemoRegionSet("Kansai", "kansai", "JP", _jp(25, 26, 27, 28, 29, 30)),
    DemoRegionSet("Kyushu & Okinawa", "kyushu-okinawa", "JP", _jp(40, 41, 42, 43, 44, 45, 46, 47)),
    DemoRegionSet("Okinawa", "okinawa", "JP", _jp(47)),
    DemoRegionSet(
        "Rural Japan",
        "rural-japan",
        "JP",
        _jp(1, 2, 3, 5, 6, 31, 32, 36, 39, 41, 45, 46),
        postal_prefixes=("100-1", "100-2"),
        is_rural=True,
    ),
    DemoRegionSet(
        "Scottish Highlands & Islands",
        "scottish-highlands",
        "GB",
        postal_prefixes=("IV", "HS", "KW", "ZE", "PH"),
        is_rural=True,
    ),
    DemoRegionSet("Outback Australia", "outback-australia", "AU", ("AU-NT",), is_rural=True),
    DemoRegionSet(
        "Rural United States",
        "rural-us",
        "US",
        ("US-AK", "US-MT", "US-WY", "US-ND", "US-SD"),
        is_rural=True,
    ),
)


@dataclass(frozen=True)
class DemoSegment:
    name: str
    slug: str
    conditions: tuple[tuple[str, str, Any], ...]
    match: str = "all"


SEGMENTS = (
    DemoSegment("Dog people", "dog-people", (("answer.pet", "eq", "dog"),)),
    DemoSegment("Cat people", "cat-people", (("answer.pet", "eq", "cat"),)),
    DemoSegment(
        "Hokkaido in winter",
        "hokkaido-winter",
        (("region", "eq", "JP-01"), ("season", "eq", "winter")),
    ),
    DemoSegment(
        "Okinawa in summer",
        "okinawa-summer",
        (("region", "eq", "JP-47"), ("season", "eq", "summer")),
    ),
    DemoSegment("Returning visitors", "returning", (("visits", "gte", 3),)),
    DemoSegment("Rural areas", "rural", (("area", "eq", "rural"),)),
    DemoSegment(
        "Early morning on a phone",
        "early-mobile",
        (("device", "eq", "mobile"), ("local_time", "between", ["05:00", "07:00"])),
    ),
    DemoSegment(
        "Autumn in Japan", "autumn-japan", (("country", "eq", "JP"), ("season", "eq", "autumn"))
    ),
    DemoSegment("Spring campaign", "spring-campaign", (("utm_campaign", "eq", "spring"),)),
)


@dataclass(frozen=True)
class DemoVariant:
    slot: str
    name: str
    segment: str
    priority: int
    headline: str
    body: str = ""
    cta_label: str = ""
    cta_url: str = ""
    language: str = ""
    picture: tuple[str, str, str] | None = None  # pet, background colour, mood


VARIANTS = (
    DemoVariant(
        "home-hero", "Is it urgent?", "early-mobile", 10, "Up early with your pet? Is it urgent?",
        "<p>If your pet is unwell, our partner vets and emergency steps are one tap away.</p>",
        "Emergency pet care", "/stores/emergency/",
    ),
    DemoVariant(
        "home-hero", "Spring campaign landing", "spring-campaign", 20, "Spring is here: fresh starts",
        "<p>New season beds, lighter coats and grooming kits for the shedding months.</p>",
        "Shop spring picks", "/products/?sort=newest", picture=("small_pet", "#DDEFD3", "fresh green"),
    ),
    DemoVariant(
        "home-hero", "Hokkaido winter", "hokkaido-winter", 30, "Warm paws through the Hokkaido winter",
        "<p>Heated beds, paw balm and fleece for the coldest months.</p>",
        "Winter warmth", "/c/winter-warmth/", picture=("dog", "#BFD8F2", "snowy blue"),
    ),
    DemoVariant(
        "home-hero", "Okinawa summer", "okinawa-summer", 31, "Cool down in the Okinawa sun",
        "<p>Cooling mats and summer grooming for hot, humid days.</p>",
        "Summer cooling", "/c/summer-cooling/", picture=("cat", "#FBE3B0", "sunny yellow"),
    ),
    DemoVariant(
        "home-hero", "Japanese autumn campaign", "autumn-japan", 40, "秋の味覚フェア",
        "<p>かぼちゃ・さつまいもを使ったおやつと、秋冬に向けたベッドをご用意しました。</p>",
        "秋のおすすめを見る", "/products/?sort=newest", language="ja",
        picture=("dog", "#F6D3B3", "autumn orange"),
    ),
    DemoVariant(
        "home-hero", "Cat people hero", "cat-people", 50, "Everything for your cat",
        "<p>Food, scratchers and cosy beds chosen for cats.</p>",
        "Shop for cats", "/products/?pet=cat", picture=("cat", "#E4DDF4", "soft lilac"),
    ),
    DemoVariant(
        "home-hero", "Dog people hero", "dog-people", 51, "Everything for your dog",
        "<p>Food, leads, toys and beds chosen for dogs.</p>",
        "Shop for dogs", "/products/?pet=dog", picture=("dog", "#D7EEE9", "mint green"),
    ),
    DemoVariant(
        "home-strip", "Rural free shipping", "rural", 10,
        "We deliver to your area too: shipping is free on orders from ¥3,000.",
    ),
    DemoVariant("home-strip", "Welcome back", "returning", 20, "Welcome back! Good to see you again."),
    # The same in Japanese, tried first by Japanese-speaking visitors; Japanese defaults too.
    DemoVariant("home-hero", "Cat people hero (ja)", "cat-people", 48, "猫ちゃんのためのすべて", "<p>猫ちゃんのために選んだフード、爪とぎ、ベッド。</p>", "猫用品を見る", "/products/?pet=cat", language="ja", picture=("cat", "#E4DDF4", "soft lilac")),
    DemoVariant("home-hero", "Dog people hero (ja)", "dog-people", 49, "ワンちゃんのためのすべて", "<p>ワンちゃんのために選んだフード、リード、おもちゃ、ベッド。</p>", "犬用品を見る", "/products/?pet=dog", language="ja", picture=("dog", "#D7EEE9", "mint green")),
    DemoVariant("home-hero", "Japanese default hero", "", 900, "ペットに必要なものを、日本全国へ", "<p>犬・猫・小動物・鳥・魚のためのフード、ベッド、おもちゃ、ケア用品。</p>", "すべての商品を見る", "/products/", language="ja"),
    DemoVariant("home-strip", "Rural free shipping (ja)", "rural", 9, "お住まいの地域にもお届けします。3,000円以上のご注文で送料無料です。", language="ja"),
    DemoVariant("home-strip", "Welcome back (ja)", "returning", 19, "おかえりなさい！またお会いできてうれしいです。", language="ja"),
    DemoVariant("home-strip", "Japanese default strip", "", 900, "5,000円以上のご注文で通常配送が送料無料です。", language="ja"),
    DemoVariant("product-aside", "Japanese default aside", "", 900, "この商品についてのご質問は？", "<p>店舗スタッフがお答えします。</p>", "店舗を探す", "/stores/", language="ja"),
    DemoVariant("basket-notice", "Japanese default notice", "", 900, "14時までのご注文は当日発送します。", language="ja"),
)  # fmt: skip


@dataclass(frozen=True)
class DemoOffer:
    name: str
    name_ja: str
    kind: str
    value: int = 0
    scope: str = "basket"
    categories: tuple[str, ...] = ()
    pet_types: tuple[str, ...] = ()
    min_subtotal: int | None = None
    regions: tuple[str, ...] = ()
    region_sets: tuple[str, ...] = ()
    code: str = ""
    store: str = ""
    usage_limit: int | None = None
    per_customer_limit: int | None = None
    first_order_only: bool = False
    buy_quantity: int = 0
    get_quantity: int = 0
    ends_month_day: tuple[int, int] | None = None
    priority: int = 100


OFFERS = (
    DemoOffer(
        "10% off cat food in Kyushu & Okinawa",
        "九州・沖縄限定 キャットフード10%オフ",
        "percent",
        10,
        "categories",
        ("food",),
        ("cat",),
        region_sets=("kyushu-okinawa",),
        ends_month_day=(3, 31),
        priority=10,
    ),
    DemoOffer(
        "Free shipping to rural Japan over ¥3,000",
        "地方へのお届けは3,000円以上で送料無料",
        "free_shipping",
        min_subtotal=3000,
        region_sets=("rural-japan",),
        priority=20,
    ),
    DemoOffer(
        "15% off winter warmth in Hokkaido",
        "北海道限定 冬のあったかグッズ15%オフ",
        "percent",
        15,
        "categories",
        ("winter-warmth",),
        regions=("JP-01",),
        priority=30,
    ),
    DemoOffer(
        "Treats: buy 2, get 1 free",
        "おやつ2点購入でもう1点無料",
        "buy_x_get_y",
        scope="categories",
        categories=("treats",),
        buy_quantity=2,
        get_quantity=1,
        priority=40,
    ),
    DemoOffer(
        "10% off at our Kobe store",
        "神戸店で10%オフ",
        "percent",
        10,
        code="KOBE10",
        store="sannomiya",
        priority=50,
    ),
    DemoOffer(
        "¥500 off your first order",
        "初回のご注文500円引き",
        "fixed",
        500,
        min_subtotal=2000,
        code="WELCOME500",
        first_order_only=True,
        usage_limit=500,
        per_customer_limit=1,
        priority=60,
    ),
)


@dataclass(frozen=True)
class DemoUser:
    email: str
    password: str  # only ever used when settings.DEBUG is on
    first_name: str
    last_name: str
    is_superuser: bool = False
    group: str | None = None


# fmt: off
USERS: tuple[DemoUser, ...] = (
    DemoUser("admin@example.com", "admin-demo-2026", "Aiko", "Admin", is_superuser=True),
    DemoUser("editor@example.com", "editor-demo-2026", "Emi", "Editor", group="Editors"),
    DemoUser(
        "merchandiser@example.com", "merch-demo-2026", "Mark", "Merchandiser",
        group="Merchandisers",
    ),
)
# fmt: on


# --- Helpers ----------------------------------------------------------------------------------


def _differs(instance: models.Model, field_name: str, value: Any) -> bool:
    field = instance._meta.get_field(field_name)
    if field.is_relation:
        # Compare keys, not objects: no query per row, and a re-fetched parent still matches.
        return getattr(instance, field.attname) != (value.pk if value is not None else None)
    return getattr(instance, field_name) != value


def upsert(model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> tuple[M, str]:
    """Create or update a row, saving only when something differs.

    Unlike `update_or_create`, an unchanged row is not saved, so `auto_now` fields keep their
    value and a second run really changes nothing. `full_clean` catches mistakes in the demo
    data (a compare-at price below the price, an unknown time zone) before they reach the shop.
    """
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance.full_clean()
        instance.save()
        return instance, CREATED
    changed = [name for name, value in values.items() if _differs(instance, name, value)]
    if not changed:
        return instance, UNCHANGED
    for name in changed:
        setattr(instance, name, values[name])
    instance.full_clean()
    instance.save()
    return instance, UPDATED


def _yen(amount: int | None) -> Decimal | None:
    return None if amount is None else Decimal(amount)


class Tally:
    """Counts of created, updated and unchanged rows per kind, for the summary."""

    def __init__(self) -> None:
        self.counts: dict[str, dict[str, int]] = {}

    def add(self, kind: str, outcome: str) -> None:
        row = self.counts.setdefault(kind, {CREATED: 0, UPDATED: 0, UNCHANGED: 0})
        row[outcome] += 1

    def lines(self) -> list[str]:
        return [
            f"{kind}: {row[CREATED]} created, {row[UPDATED]} updated, {row[UNCHANGED]} unchanged"
            for kind, row in self.counts.items()
        ]


# --- Command ----------------------------------------------------------------------------------


class Command(BaseCommand):
    help = "Load demo categories, products with drawn pictures, stores and staff accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-images",
            action="store_true",
            help="Skip drawing product pictures (faster, e.g. for tests).",
        )

    def handle(self, *args: Any, no_images: bool = False, **options: Any) -> None:
        started = time.monotonic()
        tally = Tally()
        with transaction.atomic():
            categories = self.load_categories(tally)
            self.load_products(categories, tally)
            self.load_stores(tally)
            self.load_region_sets(tally)
            self.load_content(tally)
            self.load_offers(tally)
            self.load_orders(tally)
            self.load_questions(tally)
            notes = self.load_users(tally)
        pictures = None if no_images else self.load_pictures()

        for line in tally.lines():
            self.stdout.write(line)
        if pictures is None:
            self.stdout.write("Product images: skipped (--no-images)")
        else:
            self.stdout.write(f"Product images: {pictures} created")
        for note in notes:
            self.stdout.write(note)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data loaded in {time.monotonic() - started:.1f} s.")
        )

    def load_categories(self, tally: Tally) -> dict[str, Category]:
        """Both levels of categories, by slug."""
        by_slug: dict[str, Category] = {}
        for position, demo in enumerate(CATEGORIES):
            parent, outcome = upsert(
                Category,
                {"slug": slugify(demo.name)},
                {
                    "name": demo.name,
                    "parent": None,
                    "description": demo.description,
                    "position": position,
                },
            )
            tally.add("Categories", outcome)
            by_slug[parent.slug] = parent
            for child_position, (name, description) in enumerate(demo.children):
                child, outcome = upsert(
                    Category,
                    {"slug": slugify(name)},
                    {
                        "name": name,
                        "parent": parent,
                        "description": description,
                        "position": child_position,
                    },
                )
                tally.add("Categories", outcome)
                by_slug[child.slug] = child
        return by_slug

    def load_products(self, categories: dict[str, Category], tally: Tally) -> None:
        for demo in PRODUCTS:
            _product, outcome = upsert(
                Product,
                {"slug": slugify(demo.name)},
                {
                    "name": demo.name,
                    "category": categories[demo.category],
                    "description": demo.description,
                    "price": _yen(demo.price),
                    "compare_at_price": _yen(demo.compare_at_price),
                    "stock": demo.stock,
                    "pet_type": demo.pet_type,
                    "season": demo.season,
                    "is_active": True,
                },
            )
            tally.add("Products", outcome)

    def load_stores(self, tally: Tally) -> None:
        for demo in STORES:
            _store, outcome = upsert(
                Store,
                {"slug": demo.slug},
                {
                    "name": demo.name,
                    "country": demo.country,
                    "region": demo.region,
                    "city": demo.city,
                    "address": demo.address,
                    "postal_code": demo.postal_code,
                    "phone": demo.phone,
                    "latitude": Decimal(demo.latitude),
                    "longitude": Decimal(demo.longitude),
                    "time_zone": demo.time_zone,
                    "opens_at": demo.opens_at,
                    "closes_at": demo.closes_at,
                    "is_vet_partner": demo.is_vet_partner,
                    "is_active": True,
                },
            )
            tally.add("Stores", outcome)

    def load_region_sets(self, tally: Tally) -> None:
        for demo in REGION_SETS:
            _region_set, outcome = upsert(
                RegionSet,
                {"slug": demo.slug},
                {
                    "name": demo.name,
                    "country": demo.country,
                    "regions": list(demo.regions),
                    "postal_prefixes": list(demo.postal_prefixes),
                    "is_rural": demo.is_rural,
                    "is_active": True,
                },
            )
            tally.add("Region sets", outcome)

    def load_content(self, tally: Tally) -> None:
        """Segments and slot variants that show the range of what editors can do."""
        segments = {}
        for demo in SEGMENTS:
            segment, outcome = upsert(
                Segment, {"slug": demo.slug}, {"name": demo.name, "match": demo.match}
            )
            segments[demo.slug] = segment
            tally.add("Segments", outcome)
            if not segment.conditions.exists():
                for position, (fact, operator, value) in enumerate(demo.conditions):
                    Condition.objects.create(
                        segment=segment, fact=fact, operator=operator, value=value,
                        position=position,
                    )  # fmt: skip
        slots = {slot.key: slot for slot in Slot.objects.all()}
        for demo in VARIANTS:
            variant, outcome = upsert(
                Variant,
                {"slot": slots[demo.slot], "name": demo.name},
                {
                    "segment": segments[demo.segment] if demo.segment else None,
                    "priority": demo.priority,
                    "headline": demo.headline,
                    "body": demo.body,
                    "cta_label": demo.cta_label,
                    "cta_url": demo.cta_url,
                    "language": demo.language,
                    "is_active": True,
                },
            )
            tally.add("Variants", outcome)
            if demo.picture and not variant.image:
                pet, colour, mood = demo.picture
                picture = banner_picture(pet_type=pet, background=colour, mood=mood)
                variant.alt_text = picture.alt_text
                variant.image.save(f"{demo.slot}-{variant.pk}.png", ContentFile(picture.content))
                variant_renditions_update(variant_id=variant.pk)

    def load_offers(self, tally: Tally) -> None:
        """Regional offers: a discount for one region's cat food, rural free shipping, a
        Hokkaido winter discount, a buy-2-get-1, a store code and a first-order voucher."""
        now = timezone.localtime()
        for demo in OFFERS:
            ends_at = None
            if demo.ends_month_day:
                month, day = demo.ends_month_day
                year = now.year if (now.month, now.day) < (month, day) else now.year + 1
                ends_at = timezone.make_aware(datetime.datetime(year, month, day, 23, 59))
            offer, outcome = upsert(
                Offer,
                {"name": demo.name},
                {
                    "name_ja": demo.name_ja,
                    "kind": demo.kind, "value": Decimal(demo.value), "scope": demo.scope,
                    "pet_types": list(demo.pet_types),
                    "min_subtotal": _yen(demo.min_subtotal), "regions": list(demo.regions),
                    "code": demo.code, "store_only": bool(demo.store),
                    "store": Store.objects.get(slug=demo.store) if demo.store else None,
                    "usage_limit": demo.usage_limit,
                    "per_customer_limit": demo.per_customer_limit,
                    "first_order_only": demo.first_order_only,
                    "buy_quantity": demo.buy_quantity, "get_quantity": demo.get_quantity,
                    "ends_at": ends_at, "priority": demo.priority, "is_active": True,
                },
            )  # fmt: skip
            offer.categories.set(Category.objects.filter(slug__in=demo.categories))
            offer.region_sets.set(RegionSet.objects.filter(slug__in=demo.region_sets))
            tally.add("Offers", outcome)

    def load_orders(self, tally: Tally) -> None:
        """Past orders that make Hokkaido and Okinawa differ, then the popularity they give.

        Hokkaido buys winter warmth in its winter, Okinawa cooling in its summer, Tokyo a bit
        of everything: "Popular in your region this season" then has something true to say.
        """
        if Order.objects.filter(idempotency_key__startswith="demo-").exists():
            tally.add("Demo orders", "unchanged")
            return
        rng = random.Random(2026)
        today = timezone.localdate()
        plans = (
            ("JP-01", "Sapporo", "060-0001", (12, 1, 2), "winter-warmth", 30),
            ("JP-01", "Sapporo", "060-0001", (6, 7, 8), "summer-cooling", 4),
            ("JP-47", "Naha", "900-0001", (6, 7, 8), "summer-cooling", 30),
            ("JP-47", "Naha", "900-0001", (9, 10, 11), "rainy-season", 8),
            ("JP-13", "Chiyoda", "100-0001", tuple(range(1, 13)), "food", 30),
        )
        number = 0
        for region, city, postal_code, months, category_slug, count in plans:
            products = list(
                Product.objects.filter(category__slug=category_slug)
                | Product.objects.filter(category__parent__slug=category_slug)
            )
            for _ in range(count):
                number += 1
                month = rng.choice(months)
                year = today.year if month <= today.month else today.year - 1
                placed = timezone.make_aware(
                    datetime.datetime(year, month, rng.randint(1, 28), rng.randint(8, 21))
                )
                product = rng.choice(products)
                quantity = rng.randint(1, 3)
                order = Order.objects.create(
                    email=f"demo{number}@example.com", name="Demo Shopper", country="JP",
                    region=region, postal_code=postal_code, city=city, address="1-1",
                    shipping_method="standard", shipping_price=Decimal(0),
                    subtotal=product.price * quantity, total=product.price * quantity,
                    currency="JPY", status=OrderStatus.DELIVERED, idempotency_key=f"demo-{number}",
                )  # fmt: skip
                OrderLine.objects.create(
                    order=order, product=product, product_name=product.name,
                    unit_price=product.price, quantity=quantity, total=product.price * quantity,
                )  # fmt: skip
                # No e-mails for history: the events are marked as sent.
                OrderEvent.objects.bulk_create(
                    OrderEvent(order=order, status=status, emailed_at=placed)
                    for status in (OrderStatus.PLACED, OrderStatus.PAID, OrderStatus.DELIVERED)
                )
                Order.objects.filter(pk=order.pk).update(created_at=placed)
                OrderEvent.objects.filter(order=order).update(created_at=placed)
        tally.add("Demo orders", "created")
        popularity_rebuild()

    def load_questions(self, tally: Tally) -> None:
        """The progressive-profiling questions, asked one at a time."""
        pets = [
            {"value": "dog", "label": "Dog", "label_ja": "犬"},
            {"value": "cat", "label": "Cat", "label_ja": "猫"},
            {"value": "small_pet", "label": "Small pet", "label_ja": "小動物"},
            {"value": "bird", "label": "Bird", "label_ja": "鳥"},
            {"value": "fish", "label": "Fish", "label_ja": "魚"},
        ]
        questions = (
            (
                "name",
                "What should we call you?",
                "何とお呼びすればよいですか？",
                "text",
                10,
                [],
                None,
            ),
            (
                "pet",
                "Dog, cat or another friend?",
                "犬派？猫派？それとも…？",
                "single",
                20,
                pets,
                None,
            ),
            ("pet_name", "Your pet’s name?", "ペットのお名前は？", "text", 30, [], "pet"),
            (
                "pet_age",
                "How old is your pet (years)?",
                "ペットは何歳ですか？",
                "number",
                40,
                [],
                "pet",
            ),
        )
        for key, prompt, prompt_ja, kind, position, choices, after in questions:
            _question, outcome = upsert(
                Question,
                {"key": key},
                {
                    "prompt": prompt, "prompt_ja": prompt_ja, "kind": kind, "position": position,
                    "choices": choices,
                    "prerequisite": Question.objects.get(key=after) if after else None,
                    "is_active": True,
                },
            )  # fmt: skip
            tally.add("Questions", outcome)

    def load_users(self, tally: Tally) -> list[str]:
        """Staff accounts; returns what to tell the operator about their passwords."""
        User = get_user_model()
        notes: list[str] = []
        for demo in USERS:
            user = User._default_manager.filter(email__iexact=demo.email).first()
            changed = False
            if user is None:
                user = User(
                    email=demo.email,
                    first_name=demo.first_name,
                    last_name=demo.last_name,
                    is_staff=True,
                    is_superuser=demo.is_superuser,
                )
                # Well-known passwords are fine on a laptop and never acceptable on a server.
                if settings.DEBUG:
                    user.set_password(demo.password)
                else:
                    user.set_unusable_password()
                user.save()
                outcome = CREATED
            else:
                # Roles are restored, but an existing password is never touched: it may have
                # been changed on purpose.
                wanted = {"is_staff": True, "is_superuser": demo.is_superuser, "is_active": True}
                changed_fields = [
                    name for name, value in wanted.items() if getattr(user, name) != value
                ]
                for name in changed_fields:
                    setattr(user, name, wanted[name])
                if changed_fields:
                    user.save(update_fields=changed_fields)
                    changed = True
                outcome = UNCHANGED
            if demo.group:
                group, _created = Group.objects.get_or_create(name=demo.group)
                if not user.groups.filter(pk=group.pk).exists():
                    user.groups.add(group)
                    changed = True
            changed |= self.ensure_email_address(user, demo.email)
            if outcome == UNCHANGED and changed:
                outcome = UPDATED
            tally.add("Users", outcome)

            if not user.has_usable_password():
                notes.append(
                    f"{demo.email}: no password set; run "
                    f"`manage.py changepassword {demo.email}` before signing in."
                )
            elif outcome == CREATED:
                notes.append(f"{demo.email}: demo password “{demo.password}” (DEBUG only).")
            else:
                notes.append(f"{demo.email}: existing password kept.")
        return notes

    @staticmethod
    def ensure_email_address(user: AbstractBaseUser, email: str) -> bool:
        """A verified, primary allauth address, so the user can sign in through allauth."""
        address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
        if address is not None and address.verified and address.primary:
            return False
        # Only one primary address per user: demote any other before promoting this one.
        EmailAddress.objects.filter(user=user, primary=True).update(primary=False)
        if address is None:
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        else:
            address.verified = address.primary = True
            address.save(update_fields=["verified", "primary"])
        return True

    def load_pictures(self) -> int:
        """Draw pictures for demo products that have none; returns how many were made.

        Each product gets its own transaction rather than one around everything: drawing and
        renditions take a while, and on SQLite one long transaction would hold the write lock
        against a running dev server. A failure leaves earlier products complete, and the next
        run picks up the rest because only products without pictures are drawn.
        """
        demos = {slugify(demo.name): demo for demo in PRODUCTS}
        products = (
            Product.objects.filter(slug__in=demos)
            .select_related("category__parent")
            .annotate(image_count=Count("images"))
            .filter(image_count=0)
            .order_by("name")
        )
        made = 0
        for product in products:
            demo = demos[product.slug]
            top = product.category.parent or product.category
            # Seasonal products take their colours from the season, the rest from the department.
            theme = demo.season if top.slug == "seasonal" else top.slug
            drawings = [
                product_picture(
                    name=product.name,
                    pet_type=product.pet_type,
                    label=product.category.name,
                    theme=theme,
                )
            ]
            if demo.pictures > 1:
                drawings.append(
                    detail_picture(
                        name=product.name, pet_type=product.pet_type, label=product.category.name
                    )
                )
            with transaction.atomic():
                for position, drawing in enumerate(drawings):
                    image = ProductImage(
                        product=product, alt_text=drawing.alt_text, position=position
                    )
                    image.image.save(
                        f"{product.slug}-{position + 1}.png",
                        ContentFile(drawing.content),
                        save=True,
                    )
                    # Synchronously, not through Celery: the demo should be complete, renditions
                    # included, when the command returns, even without a worker running.
                    image_renditions_update(image_id=image.pk)
                    made += 1
        return made
